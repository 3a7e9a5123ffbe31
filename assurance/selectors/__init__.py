"""Assurance's reads: quarterly returns (``returns``) and the compliance dashboard (``dashboard``)."""
