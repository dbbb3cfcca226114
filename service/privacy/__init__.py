"""The person's rights over their data: retention (pseudonymise, destroy past the archival period), export."""
