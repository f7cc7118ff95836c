/// Name pools for sample data: common Canadian names, with accents and apostrophes.
enum SampleNames {
    static let family = [
        "Smith", "Brown", "Tremblay", "Martin", "Roy", "Wilson", "MacDonald", "Gagnon", "Johnson", "Taylor",
        "Côté", "Campbell", "Anderson", "Leblanc", "Lee", "Wong", "Singh", "Patel", "Nguyen", "Kim", "Chen", "Gill",
        "Sandhu", "Dhillon", "Thompson", "White", "Harris", "Young", "King", "Scott", "Bouchard", "Gauthier",
        "Morin", "Lavoie", "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "O'Brien", "D'Souza",
        "Müller", "Nuñez", "Peña", "Sørensen", "Bjørk", "Schröder", "Hernández", "Kowalski", "Ivanova", "Okafor",
        "Mensah", "Yellowhorn", "Cardinal", "Littlechild", "Grey Eyes", "Van der Berg",
    ]
    static let given = [
        "Olivia", "Emma", "Charlotte", "Amelia", "Sophia", "Ava", "Chloé", "Zoë", "Noah", "Liam", "William",
        "Oliver", "Benjamin", "Lucas", "Ethan", "Mason", "José", "María", "Sofía", "Renée", "André", "François",
        "Jürgen", "Søren", "Björn", "Amélie", "Hélène", "Mateo", "Ananya", "Arjun", "Priya", "Harpreet", "Wei",
        "Mei", "Ji-woo", "Kwame", "Aisha", "Fatima", "Omar", "Mohammed", "Noémie", "Élodie", "Zoey", "Jack",
        "Grace", "Leah", "Ella", "Hannah", "Nathan", "Samuel", "Mary Ann", "Jean-Luc",
    ]
    static let providerFamily = [
        "Anderson", "Bhatia", "Chowdhury", "Desjardins", "Eriksen", "Fraser", "Gómez", "Hoang", "Iwasaki",
        "Jaworski", "Kaur", "Lindqvist", "MacLeod", "Nakamura", "O'Connor", "Petrović", "Quinn", "Rahman",
        "Sauvé", "Tanaka", "Urquhart", "Virani", "Whitehorse", "Xu", "Yusuf", "Zielinski",
    ]
    static let providerGiven = [
        "Sarah", "David", "Michelle", "Rajinder", "Anne-Marie", "Thomas", "Lucía", "Minh", "Kenji", "Agnieszka",
        "Gurpreet", "Ingrid", "Fiona", "Hiroshi", "Siobhán", "Dragan", "Patrick", "Nasrin", "Étienne", "Yuki",
    ]
    static let counting = [
        "completed", "completed", "completed", "completed", "completed", "completed", "Completed", "COMPLETED",
        "billed", "billed", "arrived", "checked_out", "Attended",
    ]
    static let notCounting = [
        "cancelled", "Cancelled", "canceled", "CANCELED", "no_show", "No Show", "no show", "NO_SHOW", "Cancelled ",
    ]
}
