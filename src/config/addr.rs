//! Address ranges, as the trusted proxies are given.

use std::str::FromStr;

/// An address or a block of addresses (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrRange {
    network: std::net::IpAddr,
    prefix: u8,
}

impl AddrRange {
    /// Whether `ip` lies in the block; an IPv4 address seen as IPv6 (`::ffff:10.0.0.1`, as a dual-stack
    /// listener reports it) counts as the IPv4 address.
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for AddrRange {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix.parse::<u8>().map_err(|_| ())?)),
            None => (text.trim(), None),
        };
        let network = address.parse::<std::net::IpAddr>().map_err(|_| ())?.to_canonical();
        let widest = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(widest);
        if prefix > widest {
            return Err(());
        }
        Ok(Self { network, prefix })
    }
}
