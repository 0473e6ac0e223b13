import NIOCore

extension SMPPPDU {
    /// Writes the PDU, `command_length` included, to `buffer`.
    ///
    /// Throws ``SMPPError/Code/invalidField`` when a string is longer than its field allows or
    /// contains characters outside ISO-8859-1, or `short_message` exceeds 254 octets; nothing is
    /// written then.
    public func encode(into buffer: inout ByteBuffer) throws(SMPPError) {
        var body = ByteBuffer()
        try self.encodeBody(into: &body)
        buffer.writeInteger(UInt32(Self.headerLength + body.readableBytes))
        buffer.writeInteger(self.commandID.rawValue)
        buffer.writeInteger(self.commandStatus.rawValue)
        buffer.writeInteger(self.sequenceNumber)
        buffer.writeImmutableBuffer(body)
    }

    /// The encoded PDU as bytes.
    public func encoded() throws(SMPPError) -> [UInt8] {
        var buffer = ByteBuffer()
        try self.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    private func encodeBody(into buffer: inout ByteBuffer) throws(SMPPError) {
        switch self.body {
        case .bind(let bind):
            try buffer.writeSMPPCString(bind.systemID, maxLength: 16, field: "system_id")
            try buffer.writeSMPPCString(bind.password, maxLength: 9, field: "password")
            try buffer.writeSMPPCString(bind.systemType, maxLength: 13, field: "system_type")
            buffer.writeInteger(bind.interfaceVersion)
            buffer.writeInteger(bind.addressTON.rawValue)
            buffer.writeInteger(bind.addressNPI.rawValue)
            try buffer.writeSMPPCString(bind.addressRange, maxLength: 41, field: "address_range")
        case .bindResponse(let response):
            try buffer.writeSMPPCString(response.systemID, maxLength: 16, field: "system_id")
            buffer.writeSMPPOptionalParameters(response.optionalParameters)
        case .submitSM(let message), .deliverSM(let message):
            try buffer.writeSMPPCString(message.serviceType, maxLength: 6, field: "service_type")
            buffer.writeInteger(message.source.ton.rawValue)
            buffer.writeInteger(message.source.npi.rawValue)
            try buffer.writeSMPPCString(message.source.address, maxLength: 21, field: "source_addr")
            buffer.writeInteger(message.destination.ton.rawValue)
            buffer.writeInteger(message.destination.npi.rawValue)
            try buffer.writeSMPPCString(message.destination.address, maxLength: 21, field: "destination_addr")
            buffer.writeInteger(message.esmClass)
            buffer.writeInteger(message.protocolID)
            buffer.writeInteger(message.priorityFlag)
            try buffer.writeSMPPCString(message.scheduleDeliveryTime, maxLength: 17, field: "schedule_delivery_time")
            try buffer.writeSMPPCString(message.validityPeriod, maxLength: 17, field: "validity_period")
            buffer.writeInteger(message.registeredDelivery)
            buffer.writeInteger(message.replaceIfPresent)
            buffer.writeInteger(message.dataCoding)
            buffer.writeInteger(message.smDefaultMessageID)
            guard message.shortMessage.count <= 254 else {
                throw SMPPError(code: .invalidField, detail: "short_message longer than 254 octets")
            }
            buffer.writeInteger(UInt8(message.shortMessage.count))
            buffer.writeBytes(message.shortMessage)
            buffer.writeSMPPOptionalParameters(message.optionalParameters)
        case .submitSMResponse(let messageID), .deliverSMResponse(let messageID):
            // An error response may omit the body (SMPP 3.4 section 4.4.2).
            if self.commandStatus.isSuccess || !messageID.isEmpty {
                try buffer.writeSMPPCString(messageID, maxLength: 65, field: "message_id")
            }
        case .enquireLink, .enquireLinkResponse, .unbind, .unbindResponse, .genericNack:
            break
        case .other(_, let body):
            buffer.writeBytes(body)
        }
    }

    /// Decodes one complete PDU: `frame` holds exactly `command_length` bytes, starting with
    /// the length field (as ``SMPPFrameDecoder`` produces them).
    ///
    /// Decoding is total: any malformed input throws ``SMPPDecodingError``.
    public static func decode(from frame: ByteBuffer) throws(SMPPDecodingError) -> SMPPPDU {
        var buffer = frame
        guard
            let length = buffer.readInteger(as: UInt32.self),
            let rawCommandID = buffer.readInteger(as: UInt32.self),
            let rawStatus = buffer.readInteger(as: UInt32.self),
            let sequenceNumber = buffer.readInteger(as: UInt32.self)
        else {
            throw SMPPDecodingError(code: .invalidCommandLength, field: "header")
        }
        let commandID = SMPPCommandID(rawValue: rawCommandID)
        let status = SMPPCommandStatus(rawValue: rawStatus)
        guard Int(length) == frame.readableBytes else {
            throw SMPPDecodingError(code: .invalidCommandLength, field: "command_length", commandID: commandID, sequenceNumber: sequenceNumber)
        }
        do {
            let body = try Self.decodeBody(commandID: commandID, status: status, from: &buffer)
            return SMPPPDU(body, sequenceNumber: sequenceNumber, commandStatus: status)
        } catch {
            var error = error
            error.commandID = commandID
            error.sequenceNumber = sequenceNumber
            throw error
        }
    }

    /// Decodes a PDU from bytes (a whole frame).
    public static func decode(bytes: [UInt8]) throws(SMPPDecodingError) -> SMPPPDU {
        try Self.decode(from: ByteBuffer(bytes: bytes))
    }

    private static func decodeBody(
        commandID: SMPPCommandID,
        status: SMPPCommandStatus,
        from buffer: inout ByteBuffer
    ) throws(SMPPDecodingError) -> Body {
        switch commandID {
        case .bindTransmitter, .bindReceiver, .bindTransceiver:
            let type: SMPPBindType = commandID == .bindTransmitter ? .transmitter : commandID == .bindReceiver ? .receiver : .transceiver
            let systemID = try buffer.readSMPPCString(maxLength: 16, field: "system_id")
            let password = try buffer.readSMPPCString(maxLength: 9, field: "password")
            let systemType = try buffer.readSMPPCString(maxLength: 13, field: "system_type")
            let version = try buffer.readSMPPByte(field: "interface_version")
            let ton = try buffer.readSMPPByte(field: "addr_ton")
            let npi = try buffer.readSMPPByte(field: "addr_npi")
            let range = try buffer.readSMPPCString(maxLength: 41, field: "address_range")
            try buffer.expectSMPPEnd()
            return .bind(SMPPBind(
                type: type, systemID: systemID, password: password, systemType: systemType, interfaceVersion: version,
                addressTON: .init(rawValue: ton), addressNPI: .init(rawValue: npi), addressRange: range
            ))
        case .bindTransmitterResp, .bindReceiverResp, .bindTransceiverResp:
            let type: SMPPBindType = commandID == .bindTransmitterResp ? .transmitter : commandID == .bindReceiverResp ? .receiver : .transceiver
            if buffer.readableBytes == 0 && !status.isSuccess {
                return .bindResponse(SMPPBindResponse(type: type, systemID: ""))
            }
            let systemID = try buffer.readSMPPCString(maxLength: 16, field: "system_id")
            let parameters = try buffer.readSMPPOptionalParameters()
            return .bindResponse(SMPPBindResponse(type: type, systemID: systemID, optionalParameters: parameters))
        case .submitSM, .deliverSM:
            let message = try buffer.readSMPPShortMessage()
            return commandID == .submitSM ? .submitSM(message) : .deliverSM(message)
        case .submitSMResp, .deliverSMResp:
            var messageID = ""
            if buffer.readableBytes > 0 || status.isSuccess {
                messageID = try buffer.readSMPPCString(maxLength: 65, field: "message_id")
            }
            try buffer.expectSMPPEnd()
            return commandID == .submitSMResp ? .submitSMResponse(messageID: messageID) : .deliverSMResponse(messageID: messageID)
        case .enquireLink, .enquireLinkResp, .unbind, .unbindResp, .genericNack:
            try buffer.expectSMPPEnd()
            switch commandID {
            case .enquireLink: return .enquireLink
            case .enquireLinkResp: return .enquireLinkResponse
            case .unbind: return .unbind
            case .unbindResp: return .unbindResponse
            default: return .genericNack
            }
        default:
            return .other(commandID: commandID, body: buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
    }
}

extension ByteBuffer {
    mutating func writeSMPPCString(_ string: String, maxLength: Int, field: String) throws(SMPPError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.unicodeScalars.count + 1)
        for scalar in string.unicodeScalars {
            guard scalar.value <= 0xFF, scalar.value != 0 else {
                throw SMPPError(code: .invalidField, detail: "\(field) has a character outside ISO-8859-1")
            }
            bytes.append(UInt8(scalar.value))
        }
        guard bytes.count < maxLength else {
            throw SMPPError(code: .invalidField, detail: "\(field) longer than \(maxLength - 1) characters")
        }
        self.writeBytes(bytes)
        self.writeInteger(UInt8(0))
    }

    mutating func writeSMPPOptionalParameters(_ parameters: SMPPOptionalParameters) {
        for tlv in parameters.all {
            self.writeInteger(tlv.tag.rawValue)
            self.writeInteger(UInt16(truncatingIfNeeded: tlv.value.count))
            self.writeBytes(tlv.value.prefix(Int(UInt16.max)))
        }
    }

    mutating func readSMPPByte(field: String) throws(SMPPDecodingError) -> UInt8 {
        guard let byte = self.readInteger(as: UInt8.self) else {
            throw SMPPDecodingError(code: .truncated, field: field)
        }
        return byte
    }

    /// Reads a NUL-terminated string whose length, NUL included, is at most `maxLength`.
    mutating func readSMPPCString(maxLength: Int, field: String) throws(SMPPDecodingError) -> String {
        guard let nul = self.readableBytesView.firstIndex(of: 0) else {
            throw SMPPDecodingError(code: self.readableBytes >= maxLength ? .cStringTooLong : .unterminatedCString, field: field)
        }
        let length = nul - self.readerIndex
        guard length < maxLength else {
            throw SMPPDecodingError(code: .cStringTooLong, field: field)
        }
        let string = String(latin1: self.readableBytesView.prefix(length))
        self.moveReaderIndex(forwardBy: length + 1)
        return string
    }

    mutating func readSMPPOptionalParameters() throws(SMPPDecodingError) -> SMPPOptionalParameters {
        var parameters: [SMPPTLV] = []
        while self.readableBytes > 0 {
            guard let tag = self.readInteger(as: UInt16.self), let length = self.readInteger(as: UInt16.self) else {
                throw SMPPDecodingError(code: .invalidTLV, field: "tlv header")
            }
            guard let value = self.readBytes(length: Int(length)) else {
                throw SMPPDecodingError(code: .invalidTLV, field: "tlv 0x" + String(tag, radix: 16))
            }
            parameters.append(SMPPTLV(tag: SMPPTLV.Tag(rawValue: tag), value: value))
        }
        return SMPPOptionalParameters(parameters)
    }

    mutating func readSMPPShortMessage() throws(SMPPDecodingError) -> SMPPShortMessage {
        let serviceType = try self.readSMPPCString(maxLength: 6, field: "service_type")
        let sourceTON = try self.readSMPPByte(field: "source_addr_ton")
        let sourceNPI = try self.readSMPPByte(field: "source_addr_npi")
        let source = try self.readSMPPCString(maxLength: 21, field: "source_addr")
        let destinationTON = try self.readSMPPByte(field: "dest_addr_ton")
        let destinationNPI = try self.readSMPPByte(field: "dest_addr_npi")
        let destination = try self.readSMPPCString(maxLength: 21, field: "destination_addr")
        let esmClass = try self.readSMPPByte(field: "esm_class")
        let protocolID = try self.readSMPPByte(field: "protocol_id")
        let priority = try self.readSMPPByte(field: "priority_flag")
        let schedule = try self.readSMPPCString(maxLength: 17, field: "schedule_delivery_time")
        let validity = try self.readSMPPCString(maxLength: 17, field: "validity_period")
        let registeredDelivery = try self.readSMPPByte(field: "registered_delivery")
        let replace = try self.readSMPPByte(field: "replace_if_present_flag")
        let dataCoding = try self.readSMPPByte(field: "data_coding")
        let defaultID = try self.readSMPPByte(field: "sm_default_msg_id")
        let smLength = try self.readSMPPByte(field: "sm_length")
        guard smLength <= 254 else { throw SMPPDecodingError(code: .invalidField, field: "sm_length") }
        guard let shortMessage = self.readBytes(length: Int(smLength)) else {
            throw SMPPDecodingError(code: .truncated, field: "short_message")
        }
        let parameters = try self.readSMPPOptionalParameters()
        return SMPPShortMessage(
            serviceType: serviceType,
            source: SMPPAddress(ton: .init(rawValue: sourceTON), npi: .init(rawValue: sourceNPI), address: source),
            destination: SMPPAddress(ton: .init(rawValue: destinationTON), npi: .init(rawValue: destinationNPI), address: destination),
            esmClass: esmClass, protocolID: protocolID, priorityFlag: priority,
            scheduleDeliveryTime: schedule, validityPeriod: validity,
            registeredDelivery: registeredDelivery, replaceIfPresent: replace,
            dataCoding: dataCoding, smDefaultMessageID: defaultID,
            shortMessage: shortMessage, optionalParameters: parameters
        )
    }

    func expectSMPPEnd() throws(SMPPDecodingError) {
        guard self.readableBytes == 0 else { throw SMPPDecodingError(code: .unexpectedBodyBytes) }
    }
}
