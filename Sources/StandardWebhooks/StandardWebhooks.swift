/// Standard Webhooks (https://www.standardwebhooks.com) signatures.
public enum StandardWebhooks {}
