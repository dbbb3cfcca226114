"""The domiciliation counter: the mail register, the visits, the end at the person's request, the figures.

The aid itself (its request, decision, attestation, renewal and contact check) is declared in
service/aids/domiciliation; what the front desk does between those steps, and the préfecture's yearly
figures, live here, above the process driver (an end asked for is a message to the election's process).
"""
