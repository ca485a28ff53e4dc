"""Shotline: production tracking for animation and VFX studios."""
