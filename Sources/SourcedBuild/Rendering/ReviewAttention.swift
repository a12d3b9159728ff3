import SourcedCore

/// Why a page needs a reviewer's attention, for the dashboard's groups and `review/pages.json`.
enum ReviewAttention {
    enum Group: String, CaseIterable, Sendable {
        case overdue
        case dueSoon = "due-soon"
        case changed
        case retracted = "cites-retracted"

        var label: String {
            switch self {
            case .overdue: "Review overdue"
            case .dueSoon: "Review due soon"
            case .changed: "Changed since approval"
            case .retracted: "Cites a retracted source"
            }
        }
    }

    /// The groups `page` is in.
    static func groups(of page: SitePage, site: Site) -> [Group] {
        var groups: [Group] = []
        if page.badge == .overdue { groups.append(.overdue) }
        if ReviewPolicy.isDueSoon(page.metadata.review, settings: site.settings, today: site.today) {
            groups.append(.dueSoon)
        }
        if page.badge == .changed { groups.append(.changed) }
        if citesRetracted(page) { groups.append(.retracted) }
        return groups
    }

    static func citesRetracted(_ page: SitePage) -> Bool {
        page.citations.sources.contains { !$0.reference.isCurrent && $0.reference.status?.kind == .retracted }
    }
}
