"""Studio's date and number formats per language; anything not set here is Django's."""
