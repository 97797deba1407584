"""Staff pages of the yearly cycle, one module per area: home and waves, register and
contacts, mail texts, roles, and the questionnaire preview."""
