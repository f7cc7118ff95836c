import CPARCore

extension StateStore {
    /// The clinic site, or nil until `setSite` is called.
    public func site() throws(StoreError) -> Site? {
        try db.queryFirst("SELECT name, site_id FROM site WHERE id = 1", "load site") { s in
            Site(name: s.text(0), siteID: s.text(1))
        }
    }

    /// Sets (or replaces) the one site row.
    public func setSite(_ site: Site) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.execute("""
                INSERT INTO site (id, name, site_id) VALUES (1, ?1, ?2)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, site_id = excluded.site_id
                """, "save site") { (s) throws(StoreError) in
                try s.bind(1, site.name)
                try s.bind(2, site.siteID)
            }
        }
    }
}
