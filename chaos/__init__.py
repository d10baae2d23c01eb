"""The chaos suite (`make chaos`): the service's own stand, outages injected, figures printed."""
