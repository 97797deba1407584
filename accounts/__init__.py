"""Staff identity: single sign-on through OpenID Connect (mozilla-django-oidc), roles from the
identity provider's groups, and two-factor authentication (django-otp, TOTP) for staff who may
see personal data."""
