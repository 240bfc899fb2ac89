//! A real SMTP server on loopback, recording what it receives: the `mailin` crate's SMTP
//! session (the protocol engine of mailin-embedded) behind a thread-per-connection listener.
//! It can refuse recipients, to play a server that rejects an address for good.

use std::{
    io::{BufRead, BufReader, Write},
    net::{IpAddr, TcpListener, TcpStream},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use mailin::{Action, Handler, Response, SessionBuilder, response};

#[derive(Clone, Debug)]
pub struct Received {
    pub recipients: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Clone)]
struct Recorder {
    inbox: Arc<Mutex<Vec<Received>>>,
    refuse: Option<String>,
    recipients: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.recipients.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if self.refuse.as_deref().is_some_and(|r| to.contains(r)) {
            return response::NO_MAILBOX;
        }
        self.recipients.push(to.to_owned());
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.inbox.lock().unwrap().push(Received {
            recipients: std::mem::take(&mut self.recipients),
            data: std::mem::take(&mut self.data),
        });
        response::OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    /// Starts on a free port.
    pub fn start() -> SmtpServer {
        Self::start_with(free_port(), None)
    }

    /// Starts on `port`, refusing (550) recipients containing `refuse`.
    pub fn start_with(port: u16, refuse: Option<&str>) -> SmtpServer {
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Recorder {
            inbox: inbox.clone(),
            refuse: refuse.map(str::to_owned),
            recipients: Vec::new(),
            data: Vec::new(),
        };
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("SMTP port is free");
        // The server has no stop: its threads end with the test process.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                std::thread::spawn(move || serve_connection(stream, handler));
            }
        });
        SmtpServer { port, inbox }
    }

    pub fn url(&self) -> url::Url {
        smtp_url(self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages arrived (up to 20 s) and returns all received.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} messages arrived",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn serve_connection(stream: TcpStream, handler: Recorder) -> std::io::Result<()> {
    let peer = stream.peer_addr()?.ip();
    let mut session = SessionBuilder::new("smtp.test").build(peer, handler);
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    session.greeting().write_to(&mut writer)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let response = session.process(&line);
        match response.action {
            Action::NoReply => {}
            Action::Reply | Action::UpgradeTls => response.write_to(&mut writer)?,
            Action::Close => {
                response.write_to(&mut writer)?;
                return writer.flush();
            }
        }
    }
}

pub fn smtp_url(port: u16) -> url::Url {
    format!("smtp://127.0.0.1:{port}?tls=none").parse().unwrap()
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
