import Foundation
import GRDB
import HeraldCore

extension Database {
    /// Marks the push token `p.target` (`<platform>:<token>`) disabled on the customer of
    /// request `requestId`, with the provider's words and the time; the other tokens stay as they
    /// are. A token already disabled keeps its first reason.
    func disablePushToken(_ p: PushTokenDisabling, ofRequest requestId: String) throws {
        guard let customerId = try String.fetchOne(self, sql: "SELECT customer_id FROM comms_requests WHERE id = ?", arguments: [requestId]),
              var record = try CustomerRecord.fetchOne(self, key: customerId) else { return }
        var changed = false
        for i in record.pushTokens.indices where record.pushTokens[i].target == p.target && record.pushTokens[i].disabled != true {
            record.pushTokens[i].disabled = true
            record.pushTokens[i].disabledReason = p.reason
            record.pushTokens[i].disabledAt = p.at.formatted(.iso8601)
            changed = true
        }
        guard changed else { return }
        try record.update(self)
    }

    /// Inserts a copy of request `r.copyOf` — code, target, fields, priority, override, source —
    /// awaiting processing, linked by `copy_of`, with its creation in the history.
    func insertResend(_ r: Resend, history: inout HistoryBuffer) throws {
        let at = Millis.from(r.at)
        try execute(sql: """
            INSERT INTO comms_requests (id, comms_code, priority, status, target_kind, target_id, customer_id, account_id,
                subscription_id, workflow_event_id, external_trigger_id, override_method, copy_of, fields, source, created_by,
                created_at, updated_at)
            SELECT ?, comms_code, priority, ?, target_kind, target_id, customer_id, account_id, subscription_id,
                workflow_event_id, external_trigger_id, override_method, id, fields, source, ?, ?, ?
            FROM comms_requests WHERE id = ?
            """, arguments: [r.id, RequestStatus.awaitingProcessing.code, r.actor, at, at, r.copyOf])
        guard changesCount == 1 else { throw HeraldError.internalError("cannot resend request \(r.copyOf): it is gone") }
        history.append(requestId: r.id, entity: .request, from: nil, to: RequestStatus.awaitingProcessing.rawValue, at: r.at,
                       actor: r.actor, reason: "\(r.reason) (copy of \(r.copyOf))")
    }
}

extension SQLiteStore {
    /// Keeps the disabled marks of push tokens across a customer's replacement: a token the
    /// provider said is gone stays disabled when the new contact points list it again.
    static func carryingDisabledTokens(_ record: CustomerRecord, from stored: CustomerRecord?) -> CustomerRecord {
        guard let stored else { return record }
        let disabled = Dictionary(stored.pushTokens.filter { $0.disabled == true }.map { ($0.target, $0) }, uniquingKeysWith: { a, _ in a })
        guard !disabled.isEmpty else { return record }
        var record = record
        for i in record.pushTokens.indices {
            if let old = disabled[record.pushTokens[i].target] { record.pushTokens[i] = old }
        }
        return record
    }
}
