"""Assurance's views: quarterly returns (``returns``) and the compliance dashboard (``dashboard``)."""
