"""Shotline and loadplan benchmarked side by side with the peers (``make bench``)."""
