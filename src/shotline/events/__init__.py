"""Events: the log of every change (:mod:`~shotline.events.log`), who may
read each (:mod:`~shotline.events.rules`), and their delivery to the
streams of every server process (:mod:`~shotline.events.broker`)."""
