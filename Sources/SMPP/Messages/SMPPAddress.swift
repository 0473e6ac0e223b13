/// An SMPP address: type of number (TON), numbering plan indicator (NPI) and the address text.
public struct SMPPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The type of number (SMPP 3.4 section 5.2.5).
    public struct TypeOfNumber: RawRepresentable, Hashable, Sendable {
        /// The wire value.
        public var rawValue: UInt8
        /// Creates a value.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Unknown (0).
        public static let unknown = TypeOfNumber(rawValue: 0)
        /// International (1).
        public static let international = TypeOfNumber(rawValue: 1)
        /// National (2).
        public static let national = TypeOfNumber(rawValue: 2)
        /// Network specific (3), used for short codes.
        public static let networkSpecific = TypeOfNumber(rawValue: 3)
        /// Subscriber number (4).
        public static let subscriberNumber = TypeOfNumber(rawValue: 4)
        /// Alphanumeric (5).
        public static let alphanumeric = TypeOfNumber(rawValue: 5)
        /// Abbreviated (6).
        public static let abbreviated = TypeOfNumber(rawValue: 6)
    }

    /// The numbering plan indicator (SMPP 3.4 section 5.2.6).
    public struct NumberingPlan: RawRepresentable, Hashable, Sendable {
        /// The wire value.
        public var rawValue: UInt8
        /// Creates a value.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Unknown (0).
        public static let unknown = NumberingPlan(rawValue: 0)
        /// ISDN, E.163/E.164 (1).
        public static let isdn = NumberingPlan(rawValue: 1)
        /// National (8).
        public static let national = NumberingPlan(rawValue: 8)
        /// Private (9).
        public static let `private` = NumberingPlan(rawValue: 9)
    }

    /// The type of number.
    public var ton: TypeOfNumber
    /// The numbering plan.
    public var npi: NumberingPlan
    /// The address as sent (no leading `+` for international numbers).
    public var address: String

    /// Creates an address with explicit TON and NPI.
    public init(ton: TypeOfNumber, npi: NumberingPlan, address: String) {
        self.ton = ton
        self.npi = npi
        self.address = address
    }

    /// The empty address (`0/0/""`), e.g. for an SMSC-default source address.
    public static let empty = SMPPAddress(ton: .unknown, npi: .unknown, address: "")

    /// Chooses TON/NPI from the form of a sender or recipient:
    /// - `+` and 1–15 digits (E.164): international, ISDN (1/1), sent without the `+`;
    /// - 3–8 digits: a short code, network specific, unknown plan (3/0);
    /// - other digit strings: unknown TON, ISDN plan (0/1), sent as given;
    /// - anything else (up to 11 characters, e.g. `Herald`): alphanumeric, unknown plan (5/0).
    ///
    /// Returns `nil` for an empty string, an E.164 number with more than 15 digits, or an
    /// alphanumeric sender longer than 11 characters.
    public init?(_ text: String) {
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        if text.first == "+" {
            let digits = text.dropFirst()
            guard (1...15).contains(digits.count), digits.allSatisfy(isDigit) else { return nil }
            self.init(ton: .international, npi: .isdn, address: String(digits))
        } else if !text.isEmpty, text.allSatisfy(isDigit) {
            if (3...8).contains(text.count) {
                self.init(ton: .networkSpecific, npi: .unknown, address: text)
            } else {
                guard text.count <= 20 else { return nil }
                self.init(ton: .unknown, npi: .isdn, address: text)
            }
        } else {
            guard (1...11).contains(text.count) else { return nil }
            self.init(ton: .alphanumeric, npi: .unknown, address: text)
        }
    }

    /// `ton/npi/address`.
    public var description: String { "\(self.ton.rawValue)/\(self.npi.rawValue)/\(self.address)" }
}
