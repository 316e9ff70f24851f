"""A throw-away app that proves one INSTALLED_APPS line wires an app into the whole project."""
