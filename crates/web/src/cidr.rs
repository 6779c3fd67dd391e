//! Address ranges (CIDR) for the `/metrics` allow-list (`OBSERVATOIRE_METRICS_ALLOW`).
//!
//! Written out rather than pulled from a crate: parsing `ADDRESS/PREFIX` and masking is a few
//! lines, and the allow-list is decided on the peer address of the TCP connection only, never
//! on a header a client can forge.

use std::net::IpAddr;
use std::str::FromStr;

/// One range: an address and the number of leading bits that must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` is in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => masked(u32::from(net).into(), u32::from(ip).into(), self.prefix, 32),
            (IpAddr::V6(net), IpAddr::V6(ip)) => masked(u128::from(net), u128::from(ip), self.prefix, 128),
            _ => false,
        }
    }
}

fn masked(net: u128, ip: u128, prefix: u8, width: u8) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = u32::from(width - prefix);
    (net >> shift) == (ip >> shift)
}

impl FromStr for Cidr {
    type Err = String;

    /// `ADDRESS/PREFIX` or a bare address (one host).
    fn from_str(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let bad = || format!("plage d'adresses « {s} » invalide : attendu ADRESSE/LONGUEUR, par exemple 10.0.0.0/8 ou ::1");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr = IpAddr::from_str(addr).map_err(|_| bad())?.to_canonical();
        let width = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= width).ok_or_else(bad)?,
            None => width,
        };
        Ok(Cidr { addr, prefix })
    }
}

/// The ranges allowed to read `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowList(Vec<Cidr>);

impl AllowList {
    /// Loopback only (127.0.0.0/8 and ::1): the default.
    pub fn loopback() -> AllowList {
        AllowList(vec![Cidr::from_str("127.0.0.0/8").unwrap_or(LOCALHOST), Cidr::from_str("::1").unwrap_or(LOCALHOST)])
    }

    /// A comma-separated list of ranges; empty entries are ignored.
    pub fn parse(list: &str) -> Result<AllowList, String> {
        list.split(',').filter(|p| !p.trim().is_empty()).map(Cidr::from_str).collect::<Result<_, _>>().map(AllowList)
    }

    /// Whether `ip` is in one of the ranges.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }
}

const LOCALHOST: Cidr = Cidr { addr: IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), prefix: 32 };

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
    }

    #[test]
    fn bad_ranges_are_refused_in_french() {
        for bad in ["10.0.0.0/33", "::/129", "nulle-part", "10.0.0/8", "10.0.0.0/x"] {
            let e = AllowList::parse(bad).unwrap_err();
            assert!(e.contains("invalide"), "{bad}: {e}");
        }
    }
}
