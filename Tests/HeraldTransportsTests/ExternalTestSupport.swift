import Foundation
import HeraldCore

/// External comms for the webhook and extract tests.
enum ExternalComms {
    static func transmission(_ n: Int, code: String = "PORTING_NOTICE", message: String? = nil,
                             fields: [String: String]? = nil, id: String? = nil) -> Transmission {
        let created = Date(timeIntervalSince1970: 1_796_632_800 + Double(n))  // 2026-12-07T08:40:00Z + n s
        let request = CommsRequest(id: "req-\(n)", commsCode: code, priority: 2, status: .processed,
                                   target: TargetRef(.customer, "C\(n)"), fields: ["PORTDATE": "2026-12-24"], source: .api,
                                   createdBy: "test", createdAt: created)
        let d = Distribution(id: id ?? "dist-\(n)", requestId: request.id, method: .external, target: "C\(n)", status: .awaitingDistribution,
                             message: message ?? "NOTICE=PORTING_OUT\nCUSTOMERID=C\(n)",
                             fields: fields ?? ["CUSTOMERID": "C\(n)", "MSISDN": "4477009000\(n % 10)"], language: "en", createdAt: created)
        return Transmission(request: request, distribution: d)
    }
}

extension TransmissionOutcome {
    /// The failure's kind, or nil for a success.
    var failureKind: TransmissionFailure.Kind? {
        if case .failed(let f) = self { return f.kind }
        return nil
    }

    var failure: TransmissionFailure? {
        if case .failed(let f) = self { return f }
        return nil
    }

    var sentReference: String?? {
        if case .sent(let r) = self { return .some(r) }
        return nil
    }
}
