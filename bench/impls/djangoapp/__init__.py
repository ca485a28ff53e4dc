"""Django models mapped onto Shotline's tables (``managed = False``): the
schema stays Shotline's, Django only reads it."""
