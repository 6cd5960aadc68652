"""The rule catalogue and the engine that runs each rule's SQL."""
