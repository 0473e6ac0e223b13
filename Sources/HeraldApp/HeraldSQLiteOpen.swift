import HeraldSQLite

/// Opens the database of a data folder without loading the catalog (`herald migrate`).
public enum HeraldSQLiteOpen {
    public static func open(_ settings: HeraldSettings) throws -> SQLiteStore {
        try SQLiteStore(path: settings.databasePath)
    }
}
