import Foundation

/// `Content/site.yaml`, with the defaults of SPEC §2.
package struct SiteSettings: Sendable, Equatable {
    package var title: String
    package var baseURL: String
    package var language: String
    package var disclaimer: String?
    package var reviewMaxAgeDays: Int
    /// `review.max_age_days` may be up to a hundred years.
    package static let reviewMaxAgeRange = 0...36_525
    /// A page's `review.interval_days`, from a day to a hundred years.
    package static let reviewIntervalRange = 1...36_525
    package var reviewDashboard: Bool
    /// `review.due_soon_days`: how far ahead the dashboard looks for reviews falling due.
    package var reviewDueSoonDays = 30
    package var publishStatuses: [ReviewStatus]
    package var uncitedClaims: ClaimPolicy
    package var exemptSections: [String]
    /// The content path of the page that says how pages are written and reviewed, linked from
    /// every topic page.
    package var editorialPolicy: String?
    /// Who reviews the pages, in a line on every topic page.
    package var reviewBoard: String?
    /// Where a reader suggests an edit, with `{path}` for the page's content path (MkDocs'
    /// `edit_uri`).
    package var editURL: String?
    /// The audiences pages may be written for (`audiences:`), each with the label its switch
    /// shows, in the order written; empty lets a page name any.
    package var audiences: [Audience] = []
    /// The question above a page's audience switch.
    package var audiencePrompt = "Which best describes you?"
    /// `sources.retractions`: the Retraction Watch data (CSV), relative to the content folder.
    package var retractionsPath: String?
    /// `bibliography:`: reference managers' files (BibTeX or BibLaTeX `.bib`, CSL-JSON `.json`)
    /// beside `bibliography.yaml`, relative to the content folder, in the order given.
    package var bibliographyFiles: [String] = []
    /// `sources.retracted`: how bad citing a retracted source is.
    package var retractedSeverity: Severity = .error
    /// `evidence:`: the grading scheme claims are graded by; nil for a site that grades none.
    package var evidence: Evidence?

    /// A grading scheme (GRADE, Oxford CEBM …): its grades in order, what each means, and which
    /// claims must carry one.
    package struct Evidence: Sendable, Equatable {
        package var scheme: String
        package var grades: [Grade]
        /// Words (or phrases) that make a claim a recommendation, which then needs a grade.
        package var requireFor: [String]
        /// How bad a recommendation without a grade is.
        package var ungraded: ClaimPolicy

        package struct Grade: Sendable, Equatable {
            package var name: String
            package var meaning: String

            package init(name: String, meaning: String) {
                self.name = name
                self.meaning = meaning
            }
        }

        package init(scheme: String, grades: [Grade], requireFor: [String] = [], ungraded: ClaimPolicy = .warning) {
            self.scheme = scheme
            self.grades = grades
            self.requireFor = requireFor
            self.ungraded = ungraded
        }

        package func meaning(of grade: String) -> String? {
            grades.first { $0.name == grade }?.meaning
        }
    }

    package struct Audience: Sendable, Equatable {
        package var name: String
        package var label: String

        package init(name: String, label: String) {
            self.name = name
            self.label = label
        }
    }

    /// What the switch calls audience `name`: its label in `site.yaml`, else the name itself,
    /// capitalised.
    package func label(ofAudience name: String) -> String {
        if let audience = audiences.first(where: { $0.name == name }) { return audience.label }
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    package enum ClaimPolicy: String, Sendable, CaseIterable {
        case error, warning, off
    }

    package init(
        title: String = "Knowledge base", baseURL: String = "/", language: String = "en",
        disclaimer: String? = nil, reviewMaxAgeDays: Int = 365, reviewDashboard: Bool = true,
        publishStatuses: [ReviewStatus] = ReviewStatus.allCases, uncitedClaims: ClaimPolicy = .error,
        exemptSections: [String] = ["References", "See also"], editorialPolicy: String? = nil,
        reviewBoard: String? = nil, editURL: String? = nil
    ) {
        self.title = title
        self.baseURL = baseURL
        self.language = language
        self.disclaimer = disclaimer
        self.reviewMaxAgeDays = reviewMaxAgeDays
        self.reviewDashboard = reviewDashboard
        self.publishStatuses = publishStatuses
        self.uncitedClaims = uncitedClaims
        self.exemptSections = exemptSections
        self.editorialPolicy = editorialPolicy
        self.reviewBoard = reviewBoard
        self.editURL = editURL
    }

    /// The page at content path `path`'s "Suggest an edit" link, if the site has one.
    package func editLink(_ path: String) -> String? {
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return editURL?.replacingOccurrences(of: "{path}", with: encoded)
    }

    /// The path every site URL starts with: the path of `base_url`, ending in `/`.
    package var rootPath: String {
        var rest = Substring(baseURL)
        if let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        var path = String(rest)
        if !path.hasPrefix("/") { path = "/" + path }
        if !path.hasSuffix("/") { path += "/" }
        return path
    }

    /// `base_url` with a trailing slash, for absolute URLs in the sitemap and feed.
    package var absoluteBase: String {
        baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
    }
}
