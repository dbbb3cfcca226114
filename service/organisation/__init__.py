"""Organisation: the centres hosted by the installation, their communes and quartiers."""
