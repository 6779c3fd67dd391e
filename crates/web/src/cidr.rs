//! Address ranges (CIDR) for allow-lists such as `/metrics` (`OBSERVATOIRE_METRICS_ALLOW`).
//!
//! Parsing and matching come from `ipnet`; this module adds the French error, bare addresses
//! (one host) and IPv4-mapped IPv6 peers. The allow-list is decided on the peer address of the
//! TCP connection only, never on a header a client can forge.

use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// The ranges allowed (to read `/metrics`, for example).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowList(Vec<IpNet>);

impl AllowList {
    /// Loopback only (127.0.0.0/8 and ::1): the default.
    pub fn loopback() -> AllowList {
        AllowList(vec![
            IpNet::V4(ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::LOCALHOST, 8)),
            IpNet::V6(ipnet::Ipv6Net::new_assert(std::net::Ipv6Addr::LOCALHOST, 128)),
        ])
    }

    /// A comma-separated list of ranges (`ADDRESS/PREFIX` or a bare address); empty entries are
    /// ignored.
    pub fn parse(list: &str) -> Result<AllowList, String> {
        list.split(',').map(str::trim).filter(|p| !p.is_empty()).map(range).collect::<Result<_, _>>().map(AllowList)
    }

    /// Whether `ip` is in one of the ranges (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// One range; a bare address is a single host.
fn range(s: &str) -> Result<IpNet, String> {
    let bad = || format!("plage d'adresses « {s} » invalide : attendu ADRESSE/LONGUEUR, par exemple 10.0.0.0/8 ou ::1");
    if s.contains('/') {
        let net = IpNet::from_str(s).map_err(|_| bad())?;
        // An IPv4-mapped IPv6 range is written as IPv4, so that it matches canonical peers.
        return Ok(match net {
            IpNet::V6(v6) => match v6.addr().to_ipv4_mapped() {
                Some(v4) if v6.prefix_len() >= 96 => IpNet::V4(ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96).map_err(|_| bad())?),
                _ => net,
            },
            v4 => v4,
        });
    }
    let addr = IpAddr::from_str(s).map_err(|_| bad())?.to_canonical();
    Ok(IpNet::from(addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn loopback_by_default() {
        let l = AllowList::loopback();
        assert!(l.allows(ip("127.0.0.1")) && l.allows(ip("127.8.9.10")) && l.allows(ip("::1")));
        assert!(l.allows(ip("::ffff:127.0.0.1")), "IPv4-mapped loopback from a dual-stack socket");
        assert!(!l.allows(ip("10.0.0.1")) && !l.allows(ip("::2")) && !l.allows(ip("192.168.1.1")));
    }

    #[test]
    fn ranges_and_hosts() {
        let l = AllowList::parse(" 10.1.0.0/16, 2001:db8::/32 ,192.0.2.7,").unwrap();
        assert!(l.allows(ip("10.1.255.3")) && !l.allows(ip("10.2.0.1")));
        assert!(l.allows(ip("2001:db8:1::5")) && !l.allows(ip("2001:db9::1")));
        assert!(l.allows(ip("192.0.2.7")) && !l.allows(ip("192.0.2.8")));
        assert!(!l.allows(ip("127.0.0.1")), "an explicit list replaces the default");
        assert!(AllowList::parse("0.0.0.0/0").unwrap().allows(ip("8.8.8.8")));
        assert_eq!(AllowList::parse("").unwrap(), AllowList(vec![]));
        assert!(AllowList::parse("::ffff:10.0.0.0/104").unwrap().allows(ip("10.3.2.1")), "mapped range written in IPv6");
    }

    #[test]
    fn bad_ranges_are_refused_in_french() {
        for bad in ["10.0.0.0/33", "::/129", "nulle-part", "10.0.0/8", "10.0.0.0/x"] {
            let e = AllowList::parse(bad).unwrap_err();
            assert!(e.contains("invalide"), "{bad}: {e}");
        }
    }
}
