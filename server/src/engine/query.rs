/// What the engine uses from the connect URL
/// (`/binfo?sdkappid=…&instanceid=…&platform=7&…&compress=gzip`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectQuery {
    /// `sdkappid`, when present and numeric.
    pub sdkappid: Option<u64>,
    /// `instanceid`: the SDK instance's fixed 32-hex ID.
    pub instance_id: Option<String>,
    /// `platform` (7 for Web / Node).
    pub platform: Option<u32>,
    /// `compress=gzip`: the client inflates `COMP` frames.
    pub gzip: bool,
}

impl ConnectQuery {
    /// Parse a query string. Accepts `a=1&b=2`, `?a=1&b=2` or a whole
    /// request target such as `/binfo?a=1`. Unknown or malformed parameters
    /// are ignored; the first occurrence of a parameter wins.
    pub fn parse(query: &str) -> ConnectQuery {
        let query = match query.split_once('?') {
            Some((_, q)) => q,
            None if query.starts_with('/') => "",
            None => query,
        };
        let mut out = ConnectQuery::default();
        let mut seen_app = false;
        let mut seen_inst = false;
        let mut seen_platform = false;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sdkappid" if !seen_app => {
                    seen_app = true;
                    out.sdkappid = value.parse().ok();
                }
                "instanceid" if !seen_inst => {
                    seen_inst = true;
                    if value.len() <= 128 {
                        out.instance_id = Some(value.to_owned());
                    }
                }
                "platform" if !seen_platform => {
                    seen_platform = true;
                    out.platform = value.parse().ok();
                }
                "compress" => out.gzip |= value == "gzip",
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_official_url() {
        let q = ConnectQuery::parse(
            "/binfo?sdkappid=1400000000&instanceid=a58b9262ef11e2fb2965768ddf32082c&random=0.5&platform=7&host=unknown&version=-1&sdkversion=3.6.6&compress=gzip",
        );
        assert_eq!(q.sdkappid, Some(1_400_000_000));
        assert_eq!(
            q.instance_id.as_deref(),
            Some("a58b9262ef11e2fb2965768ddf32082c")
        );
        assert_eq!(q.platform, Some(7));
        assert!(q.gzip);
    }

    #[test]
    fn tolerates_garbage() {
        assert_eq!(ConnectQuery::parse(""), ConnectQuery::default());
        assert_eq!(ConnectQuery::parse("/binfo"), ConnectQuery::default());
        let q = ConnectQuery::parse("sdkappid=x&&=&compress&sdkappid=5");
        assert_eq!(q.sdkappid, None);
        assert!(!q.gzip);
    }
}
