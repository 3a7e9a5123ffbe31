"""Assurance's forms: quarterly returns (``returns``) and the compliance dashboard (``dashboard``)."""
