import Testing
@testable import StandardWebhooks
