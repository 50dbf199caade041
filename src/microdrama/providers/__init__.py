"""AI providers by capability (text, image, speech), the registry that makes them, and the gateway."""
