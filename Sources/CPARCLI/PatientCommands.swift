import CPARCore

/// `patient assign|remove|confirm`.
enum PatientCommands {
    static func assign(_ ctx: Context) throws -> ExitStatus {
        let patientID = ctx.args.positionals[0]
        let panel = try ctx.panel(try ctx.args.required("panel"))
        let store = try ctx.store()
        let previous = try store.membership(patientID: patientID)
        let today = try ctx.today()
        try store.assign(patientID: patientID, panelID: panel.id, confirmationDate: today)
        if let previous, previous.panelID != panel.id, let old = try store.panel(id: previous.panelID) {
            ctx.out("patient \(patientID) moved from panel \(old.label) to panel \(panel.label), confirmed \(today)")
        } else {
            ctx.out("patient \(patientID) assigned to panel \(panel.label), confirmed \(today)")
        }
        return .success
    }

    static func remove(_ ctx: Context) throws -> ExitStatus {
        let patientID = ctx.args.positionals[0]
        guard try ctx.store().removeMembership(patientID: patientID) else {
            ctx.err("patient \(patientID) is on no panel")
            return .problems
        }
        ctx.out("patient \(patientID) removed from its panel")
        return .success
    }

    static func confirm(_ ctx: Context) throws -> ExitStatus {
        let patientID = ctx.args.positionals[0]
        let today = try ctx.today()
        guard try ctx.store().confirm(patientID: patientID, date: today) else {
            ctx.err("patient \(patientID) is on no panel")
            return .problems
        }
        ctx.out("patient \(patientID) confirmed \(today)")
        return .success
    }
}
