"""Personalised support cheques: the stock of cheque books, cheques issued to a dossier, hand-over."""
