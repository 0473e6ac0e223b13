import HeraldCore
import HeraldTransports
import SMPP
import Testing

/// Each transport maps its protocol's typed errors to a `TransmissionOutcome` in one place.
@Suite struct TransmissionOutcomeMappingTests {
    static func failure(_ outcome: TransmissionOutcome) -> TransmissionFailure? {
        if case .failed(let failure) = outcome { return failure }
        return nil
    }

    @Test func smppLostResponseIsAPossibleDuplicate() throws {
        let f = try #require(Self.failure(SMPPTransmitter.outcome(for: SMPPError(code: .responseTimeout))))
        #expect(f.kind == .possibleDuplicate)
        #expect(f.isRetryable)
        #expect(f.description.hasPrefix("possible duplicate: "))
    }

    @Test func smppCommandStatusesCarryTheirName() throws {
        let permanent = try #require(Self.failure(SMPPTransmitter.outcome(for: .commandStatus(.ESME_RINVDSTADR))))
        #expect(permanent.kind == .permanent)
        #expect(permanent.providerCode == SMPPCommandStatus.ESME_RINVDSTADR.description)
        let throttled = try #require(Self.failure(SMPPTransmitter.outcome(for: .commandStatus(.ESME_RTHROTTLED))))
        #expect(throttled.kind == .retry)
        #expect(throttled.providerCode == SMPPCommandStatus.ESME_RTHROTTLED.description)
        #expect(throttled.description == "\(SMPPCommandStatus.ESME_RTHROTTLED) from the SMSC")
    }

    @Test func smppNoBindIsRetried() throws {
        let f = try #require(Self.failure(SMPPTransmitter.outcome(for: SMPPError(code: .notBound))))
        #expect(f.kind == .retry)
    }
}
