import Testing
@testable import SMPP

@Suite struct DeliveryReceiptTests {
    func receipt(_ text: String, tlvs: SMPPOptionalParameters = [], esmClass: UInt8 = 0x04) -> SMPPShortMessage {
        SMPPShortMessage(
            source: SMPPAddress(ton: .international, npi: .isdn, address: "4915112345678"),
            destination: SMPPAddress(ton: .alphanumeric, npi: .unknown, address: "Herald"),
            esmClass: esmClass, shortMessage: Array(text.utf8), optionalParameters: tlvs
        )
    }

    @Test func appendixBText() throws {
        let text = "id:0123456789 sub:001 dlvrd:001 submit date:2601151200 done date:2601151201 stat:DELIVRD err:000 text:Hello from Herald"
        let parsed = try #require(SMPPDeliveryReceipt(self.receipt(text)))
        #expect(parsed.messageID == "0123456789")
        #expect(parsed.submitted == 1)
        #expect(parsed.delivered == 1)
        #expect(parsed.submitDate?.description == "2026-01-15 12:00:00")
        #expect(parsed.doneDate?.minute == 1)
        #expect(parsed.stat == "DELIVRD")
        #expect(parsed.state == .delivered)
        #expect(parsed.isDelivered)
        #expect(parsed.error == "000")
        #expect(parsed.text == "Hello from Herald")
        #expect(parsed.recipient?.address == "4915112345678")
        #expect(parsed.sender?.address == "Herald")
    }

    @Test func undeliverableWithSecondsAndCapitalText() throws {
        let text = "id:ab12 sub:001 dlvrd:000 submit date:260115120030 done date:260115130045 stat:UNDELIV err:034 Text:Hi"
        let parsed = try #require(SMPPDeliveryReceipt(self.receipt(text)))
        #expect(parsed.state == .undeliverable)
        #expect(parsed.error == "034")
        #expect(parsed.doneDate?.second == 45)
        #expect(parsed.text == "Hi")
        #expect(!parsed.isDelivered)
    }

    @Test func tlvsTakePrecedence() throws {
        var tlvs = SMPPOptionalParameters()
        tlvs.receiptedMessageID = "smsc-7"
        tlvs.messageState = .expired
        tlvs.networkErrorCode = SMPPNetworkErrorCode(networkType: 3, errorCode: 27)
        let parsed = try #require(SMPPDeliveryReceipt(self.receipt("id:other stat:DELIVRD", tlvs: tlvs)))
        #expect(parsed.messageID == "smsc-7")
        #expect(parsed.state == .expired)
        #expect(parsed.networkErrorCode == SMPPNetworkErrorCode(networkType: 3, errorCode: 27))
        // A receipt made of TLVs only.
        let bare = try #require(SMPPDeliveryReceipt(self.receipt("", tlvs: tlvs)))
        #expect(bare.messageID == "smsc-7")
    }

    @Test func notAReceipt() {
        #expect(SMPPDeliveryReceipt(self.receipt("id:123 stat:DELIVRD", esmClass: 0)) == nil)  // a mobile-originated text
        #expect(SMPPDeliveryReceipt(self.receipt("stat:DELIVRD")) == nil)  // no id
        #expect(SMPPDeliveryReceipt(self.receipt("garbage")) == nil)
    }

    @Test func fieldsParseLeniently() {
        let fields = SMPPDeliveryReceipt.parseFields("ID:X1  SUB:1 DLVRD:1 SUBMIT DATE:bad stat:ACCEPTD")
        #expect(fields["id"] == "X1")
        #expect(fields["submit date"] == "bad")
        #expect(fields["stat"] == "ACCEPTD")
        #expect(SMPPDeliveryReceipt.Timestamp("bad") == nil)
        #expect(SMPPDeliveryReceipt.Timestamp("2613011200") == nil)  // month 13
        #expect(SMPPMessageState(receiptStat: "rejectd") == .rejected)
    }
}
