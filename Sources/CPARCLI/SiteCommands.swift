import Foundation
import CPARCore

/// `site set`, `site show`.
enum SiteCommands {
    static func set(_ ctx: Context) throws -> ExitStatus {
        let name = try ctx.args.required("name")
        let id = try ctx.args.required("site-id")
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, !id.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw UsageError("--name and --site-id must not be empty")
        }
        try ctx.store().setSite(Site(name: name, siteID: id))
        ctx.out("site set: \(name) (\(id))")
        return .success
    }

    static func show(_ ctx: Context) throws -> ExitStatus {
        guard let site = try ctx.store().site() else {
            ctx.out("site not configured: run cparctl site set --name NAME --site-id ID")
            return .problems
        }
        ctx.out("name:    \(site.name)\nsite ID: \(site.siteID)")
        return .success
    }
}
