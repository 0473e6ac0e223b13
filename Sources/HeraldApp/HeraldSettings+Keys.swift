import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging

extension HeraldSettings {
    /// The settings `HeraldSettings` reads itself, with their defaults, and ``all``: every
    /// setting of every component, in the order of the README's settings table.
    public enum Keys {
        /// `data.dir`: the data folder.
        public static let dataDir = SettingKey("data.dir", default: "./herald-data", meaning: "SQLite database, documents, outbox")
        /// `catalog.dir`: the catalog folder, `<data-dir>/catalog` by default.
        public static let catalogDir = SettingKey<String?>(
            "catalog.dir", default: nil, documented: "`<data-dir>/catalog`", meaning: "comms codes and templates")
        /// `http.host`: the listen address.
        public static let httpHost = SettingKey("http.host", default: "127.0.0.1", meaning: "listen address")
        /// `http.port`: the listen port.
        public static let httpPort = SettingKey("http.port", default: 8080, meaning: "listen port")
        /// `admin.api.key`: an API key with the admin role (secret).
        public static let adminAPIKey = SettingKey<String?>(
            "admin.api.key", default: nil, secret: true, meaning: "a key with the `admin` role")
        /// `api.keys`: more API keys (secret).
        public static let apiKeys = SettingKey<String?>(
            "api.keys", default: nil, secret: true, meaning: "more keys: `name:role+role:key;…`, see below")
        /// `sqlite.synchronous`: how durable a commit is.
        public static let sqliteSynchronous = SettingKey(
            "sqlite.synchronous", default: SQLiteStore.Configuration.Synchronous.normal, documented: "`normal`",
            meaning: "`normal` survives any process crash; `full` also survives power loss, at some throughput cost")
        /// `letter.pdfa`: letters as PDF/A-2b.
        public static let letterPDFA = SettingKey(
            "letter.pdfa", default: false,
            meaning: "`true` renders letters as PDF/A-2b (XMP metadata, an embedded sRGB output intent) for archives that keep "
                + "letters for years")
        /// `log.level`: the lowest level logged.
        public static let logLevel = SettingKey(
            "log.level", default: Logger.Level.info, meaning: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))

        /// `agent.secureCookies`: AgentView's cookies only over HTTPS.
        public static let agentSecureCookies = SettingKey(
            "agent.secureCookies", default: false,
            meaning: "`true` adds `Secure` to AgentView's cookies: set it whenever `/agent` is reached over HTTPS (a TLS proxy in front)")

        /// Every setting Herald reads, in the order of the README's settings table.
        public static let all: [any SettingDescription] =
            [dataDir, catalogDir, httpHost, httpPort, adminAPIKey, apiKeys]
            + WorkerConfiguration.Keys.all
            + [sqliteSynchronous, letterPDFA, logLevel, agentSecureCookies]
            + EmailTransportSettings.Keys.all
            + SMSTransportSettings.Keys.all
            + StorageSettings.Keys.all
            + PrintSettings.Keys.all
            + [PushTransportSettings.Keys.transport] + PushDirectSettings.Keys.all
            + [ExternalTransportSettings.Keys.transport] + ExternalRouteSettings.Keys.all
            + QueueTransportSettings.Keys.all
            + CallbackSettings.Keys.all
    }
}
