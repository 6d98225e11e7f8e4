"""The public nginx front: config templates and their renderer."""
