"""Rights check: the legal rights a household may not have opened, estimated by OpenFisca-France.

The estimate is asked to the OpenFisca Web API (ENTRAIDE_OPENFISCA_URL), a service of its own, in the
background: the person's page never waits for it.
"""
