import Testing
@testable import STOMP
