"""Forms of the directory: the admin's offer form, the public submission steps, accounts."""
