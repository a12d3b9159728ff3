import Foundation
import SourcedBuild

/// Maps a request path onto the in-memory site. Nothing outside the site's own list of files
/// can ever be named: `..`, encoded `%2e%2e` and `%2f`, backslashes and NUL all lead nowhere.
enum SitePath {
    enum Resolution: Equatable {
        case file(String)
        /// The path names a folder: redirect to it with a trailing slash.
        case redirect(String)
        case notFound
    }

    static func resolve(_ rawPath: String, root: String, exists: (String) -> Bool) -> Resolution {
        let pathOnly = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard let decoded = String(pathOnly).removingPercentEncoding,
            !decoded.contains("\\"), !decoded.contains("\0"), decoded.hasPrefix(root) || decoded + "/" == root
        else { return .notFound }
        let inside = decoded.hasPrefix(root) ? String(decoded.dropFirst(root.count)) : ""
        let segments = inside.split(separator: "/", omittingEmptySubsequences: false)
        // Every segment must be a plain name; an empty one is only allowed last (a folder).
        for (i, segment) in segments.enumerated() {
            if segment == ".." || segment == "." { return .notFound }
            if segment.isEmpty && i != segments.count - 1 { return .notFound }
        }
        let key = inside.isEmpty || inside.hasSuffix("/") ? inside + "index.html" : inside
        if exists(key) { return .file(key) }
        if exists(key + "/index.html") { return .redirect(decoded + "/") }
        return .notFound
    }
}
