import HeraldCore

extension EmailTransportSettings {
    /// The email settings (`email.transport`, `smtp.*`, `dkim.*`), with their defaults.
    public enum Keys {
        /// `email.transport`: the outbox or SMTP.
        public static let transport = SettingKey("email.transport", default: Transport.outbox, meaning: "`outbox` or `smtp`")
        /// `smtp.host`: the relay, required for SMTP.
        public static let smtpHost = SettingKey<String?>("smtp.host", default: nil, meaning: "SMTP relay (required for `smtp`)")
        /// `smtp.port`: the relay's port; by default the port of ``smtpTLS``'s mode (``TLS/defaultPort``).
        public static let smtpPort = SettingKey<Int?>(
            "smtp.port", default: nil,
            documented: TLS.allCases.map { String($0.defaultPort) }.joined(separator: " / ") + " by `smtp.tls`",
            meaning: "relay port")
        /// `smtp.tls`: how the connection to the relay is secured.
        public static let smtpTLS = SettingKey(
            "smtp.tls", default: TLS.starttls,
            meaning: "`none`, `starttls` (required, not opportunistic) or `tls` (implicit); certificates are verified")
        /// `smtp.username`: the AUTH user name.
        public static let smtpUsername = SettingKey<String?>(
            "smtp.username", default: nil, meaning: "the AUTH PLAIN/LOGIN user name; goes with `smtp.password`")
        /// `smtp.password`: the AUTH password (secret).
        public static let smtpPassword = SettingKey<String?>(
            "smtp.password", default: nil, secret: true, meaning: "the AUTH PLAIN/LOGIN password; goes with `smtp.username`")
        /// `smtp.ca.file`: CA certificates trusted instead of the system roots.
        public static let smtpCAFile = SettingKey<String?>(
            "smtp.ca.file", default: nil, documented: "system roots", meaning: "PEM CA certificates to trust instead")
        /// `smtp.connections`: SMTP sessions open at once.
        public static let smtpConnections = SettingKey(
            "smtp.connections", default: 2, meaning: "SMTP sessions open at once to the relay, over all batches")
        /// `dkim.domain`: the signing domain of the main DKIM key.
        public static let dkimDomain = SettingKey<String?>(
            "dkim.domain", default: nil,
            meaning: "DKIM-sign emails from this domain (with `dkim.selector` and `dkim.key.file`)")
        /// `dkim.selector`: the selector of the main DKIM key.
        public static let dkimSelector = SettingKey<String?>(
            "dkim.selector", default: nil, meaning: "the DKIM selector: the key is published at `<selector>._domainkey.<domain>`")
        /// `dkim.key.file`: the main DKIM key.
        public static let dkimKeyFile = SettingKey<String?>(
            "dkim.key.file", default: nil, meaning: "the DKIM private key: a PEM file, RSA ≥ 2048 bits or Ed25519")
        /// `dkim.keys`: one more DKIM key per sender domain.
        public static let dkimKeys = SettingKey<String?>(
            "dkim.keys", default: nil,
            meaning: "more sender domains: `domain:selector:keyfile;domain2:selector2:keyfile2`. Each email is signed with "
                + "the key of its From domain or closest parent domain; other domains go unsigned")
        /// `smtp.smtputf8`: whether non-ASCII local parts may be used.
        public static let smtpUTF8 = SettingKey(
            "smtp.smtputf8", default: false,
            meaning: "`true` when the relay offers SMTPUTF8: only then is an address with a non-ASCII local part a usable "
                + "email target (otherwise `notSent`, \"email address has a non-ASCII local part and SMTPUTF8 is not enabled\")")
        /// Every email setting, in the order of the settings table.
        public static let all: [any SettingDescription] = [
            transport, smtpHost, smtpPort, smtpTLS, smtpUsername, smtpPassword, smtpCAFile, smtpConnections,
            dkimDomain, dkimSelector, dkimKeyFile, dkimKeys, smtpUTF8,
        ]
    }
}
