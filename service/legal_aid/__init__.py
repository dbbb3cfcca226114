"""Legal aid (aide sociale légale): the kinds the centre forwards, the directory of their authorities."""
