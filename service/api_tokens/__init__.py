"""The API's bearer tokens: created and revoked by administrators, checked (and counted) at every call."""
