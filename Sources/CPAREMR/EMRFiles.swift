/// The EMR export files and the columns cpard needs from each (SPEC §2).
public enum EMRFiles {
    public static let providers = "providers.csv"
    public static let patients = "patients.csv"
    public static let appointments = "appointments.csv"

    public static let providerColumns = ["provider_id", "family_name", "given_name", "practitioner_id"]
    public static let patientColumns = ["patient_id", "phn", "family_name", "given_name", "dob", "gender", "status",
                                        "mrp_provider_id"]
    public static let appointmentColumns = ["appointment_id", "patient_id", "provider_id", "date", "status"]
}
