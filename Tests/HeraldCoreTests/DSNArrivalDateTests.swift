import Foundation
import HeraldCore
import Testing

/// A DSN's `Arrival-Date` (RFC 3464 per-message field) is read as the provider's time.
struct DSNArrivalDateTests {
    @Test func theArrivalDateIsRead() throws {
        let text = """
            Reporting-MTA: dns; mx.example.net
            Original-Envelope-Id: 01a2-dist
            Arrival-Date: Mon, 7 Dec 2026 09:30:05 +0100 (CET)

            Final-Recipient: rfc822; zoe@example.net
            Action: delivered
            Status: 2.0.0
            """
        let dsn = try DeliveryStatusNotification.parse(Array(text.utf8))
        #expect(dsn.arrivalDate == Date(timeIntervalSince1970: 1_796_632_205))  // 2026-12-07T08:30:05Z
        #expect(DeliveryStatusNotification.date("7 Dec 2026 08:30 +0000") == Date(timeIntervalSince1970: 1_796_632_200))
        #expect(DeliveryStatusNotification.date("yesterday") == nil)
    }

    @Test func withoutOneThereIsNone() throws {
        let dsn = try DeliveryStatusNotification.parse(Array("Final-Recipient: rfc822; a@b.c\nAction: failed\nStatus: 5.1.1\n".utf8))
        #expect(dsn.arrivalDate == nil)
    }
}
