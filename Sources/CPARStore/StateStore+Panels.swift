import CPARCore

extension StateStore {
    private static let panelColumns = "id, name, number, cpar_enabled, notify"

    private static func panelRow(_ s: SQLiteStatement) -> Panel {
        Panel(id: s.int64(0), name: s.text(1), number: s.optionalText(2), cparEnabled: s.bool(3),
              notify: s.optionalText(4))
    }

    /// All panels, ordered by id, with facilities and practitioners in the order they were given.
    public func panels() throws(StoreError) -> [Panel] {
        try read { () throws(StoreError) -> [Panel] in
            var panels = try db.query("SELECT \(Self.panelColumns) FROM panels ORDER BY id", "load panels",
                                      row: Self.panelRow)
            var index: [Int64: Int] = [:]
            for (i, p) in panels.enumerated() { index[p.id] = i }
            let facilities = try db.query(
                "SELECT panel_id, facility_id FROM panel_facilities ORDER BY panel_id, position",
                "load panel facilities") { s in (s.int64(0), s.text(1)) }
            for (id, facility) in facilities { if let i = index[id] { panels[i].facilityIDs.append(facility) } }
            let practitioners = try db.query(
                "SELECT panel_id, provider_id FROM panel_practitioners ORDER BY panel_id, position",
                "load panel practitioners") { s in (s.int64(0), s.text(1)) }
            for (id, provider) in practitioners { if let i = index[id] { panels[i].practitionerIDs.append(provider) } }
            return panels
        }
    }

    public func panel(id: Int64) throws(StoreError) -> Panel? {
        try read { () throws(StoreError) -> Panel? in
            guard var panel = try db.queryFirst("SELECT \(Self.panelColumns) FROM panels WHERE id = ?1", "load panel",
                                                bind: { (s) throws(StoreError) in try s.bind(1, id) },
                                                row: Self.panelRow) else { return nil }
            panel.facilityIDs = try db.query(
                "SELECT facility_id FROM panel_facilities WHERE panel_id = ?1 ORDER BY position",
                "load panel facilities", bind: { (s) throws(StoreError) in try s.bind(1, id) }) { $0.text(0) }
            panel.practitionerIDs = try db.query(
                "SELECT provider_id FROM panel_practitioners WHERE panel_id = ?1 ORDER BY position",
                "load panel practitioners", bind: { (s) throws(StoreError) in try s.bind(1, id) }) { $0.text(0) }
            return panel
        }
    }

    /// The panel named `label` on the command line: by CPAR panel number first, else by exact name.
    /// Throws `ambiguousPanelName` when several panels have that name.
    public func findPanel(_ label: String) throws(StoreError) -> Panel? {
        let byNumber = try db.queryFirst("SELECT id FROM panels WHERE number = ?1", "find panel",
                                         bind: { (s) throws(StoreError) in try s.bind(1, label) }) { $0.int64(0) }
        if let id = byNumber { return try panel(id: id) }
        let byName = try db.query("SELECT id FROM panels WHERE name = ?1 ORDER BY id", "find panel",
                                  bind: { (s) throws(StoreError) in try s.bind(1, label) }) { $0.int64(0) }
        if byName.count > 1 { throw .ambiguousPanelName(name: label, count: byName.count) }
        return try byName.first.map { (id) throws(StoreError) in try panel(id: id) } ?? nil
    }

    /// Adds a panel (its `id` is ignored) and returns it with its new id. Ids are never reused.
    @discardableResult
    public func insertPanel(_ panel: Panel) throws(StoreError) -> Panel {
        try write { () throws(StoreError) -> Panel in
            var saved = panel
            do throws(StoreError) {
                try db.execute("INSERT INTO panels (name, number, cpar_enabled, notify) VALUES (?1, ?2, ?3, ?4)",
                               "add panel") { (s) throws(StoreError) in try Self.bindPanel(s, panel) }
            } catch {
                throw Self.mapPanelError(error, panel)
            }
            saved.id = db.lastInsertRowID
            try saveChildren(saved)
            return saved
        }
    }

    /// Replaces a panel's fields, facilities and practitioners. Throws `panelNotFound` for an unknown id.
    public func updatePanel(_ panel: Panel) throws(StoreError) {
        try write { () throws(StoreError) in
            let changed: Int
            do throws(StoreError) {
                changed = try db.execute(
                    "UPDATE panels SET name = ?1, number = ?2, cpar_enabled = ?3, notify = ?4 WHERE id = ?5",
                    "edit panel") { (s) throws(StoreError) in
                    try Self.bindPanel(s, panel)
                    try s.bind(5, panel.id)
                }
            } catch {
                throw Self.mapPanelError(error, panel)
            }
            guard changed == 1 else { throw .panelNotFound(id: panel.id) }
            try db.execute("DELETE FROM panel_facilities WHERE panel_id = ?1", "edit panel facilities") {
                (s) throws(StoreError) in try s.bind(1, panel.id)
            }
            try db.execute("DELETE FROM panel_practitioners WHERE panel_id = ?1", "edit panel practitioners") {
                (s) throws(StoreError) in try s.bind(1, panel.id)
            }
            try saveChildren(panel)
        }
    }

    /// Deletes a panel that has no patients on it (else `panelHasPatients`). Its submissions stay in history.
    public func deletePanel(id: Int64) throws(StoreError) {
        try write { () throws(StoreError) in
            guard let panel = try panel(id: id) else { throw .panelNotFound(id: id) }
            let members = try db.queryFirst("SELECT count(*) FROM memberships WHERE panel_id = ?1", "count members",
                                            bind: { (s) throws(StoreError) in try s.bind(1, id) }) { $0.int(0) } ?? 0
            guard members == 0 else { throw .panelHasPatients(label: panel.label, count: members) }
            try db.execute("DELETE FROM panels WHERE id = ?1", "delete panel") { (s) throws(StoreError) in
                try s.bind(1, id)
            }
        }
    }

    private static func bindPanel(_ s: SQLiteStatement, _ panel: Panel) throws(StoreError) {
        try s.bind(1, panel.name)
        try s.bind(2, panel.number)
        try s.bind(3, panel.cparEnabled)
        try s.bind(4, panel.notify)
    }

    private func saveChildren(_ panel: Panel) throws(StoreError) {
        for (position, facility) in panel.facilityIDs.enumerated() {
            try db.execute("INSERT INTO panel_facilities (panel_id, position, facility_id) VALUES (?1, ?2, ?3)",
                           "save panel facility") { (s) throws(StoreError) in
                try s.bind(1, panel.id)
                try s.bind(2, position)
                try s.bind(3, facility)
            }
        }
        for (position, provider) in panel.practitionerIDs.enumerated() {
            try db.execute("INSERT INTO panel_practitioners (panel_id, position, provider_id) VALUES (?1, ?2, ?3)",
                           "save panel practitioner") { (s) throws(StoreError) in
                try s.bind(1, panel.id)
                try s.bind(2, position)
                try s.bind(3, provider)
            }
        }
    }

    private static func mapPanelError(_ error: StoreError, _ panel: Panel) -> StoreError {
        if case let .sqlite(_, _, code, _) = error, code == SQLiteCode.constraintUnique, let number = panel.number {
            return .duplicatePanelNumber(number)
        }
        return error
    }
}
