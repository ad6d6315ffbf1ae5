"""Settings package: ``base`` reads the environment, the others adjust it for one use."""
