/// Push providers over HTTP/2: Apple's APNs provider API and Firebase Cloud Messaging HTTP v1.
public enum Push {}
