// Command: the builder and spawn (see tokio/process/command.hpp).
//
// A child is started with posix_spawn (glibc's is a CLONE_VFORK clone: the fastest way) unless
// it needs what posix_spawn cannot do (uid, gid, pre_exec hooks); then with fork and exec, with
// a close-on-exec pipe that carries the failing step and its errno back to the parent.
#include "tokio/process/command.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include "tokio/detail/runtime_inner.hpp"

extern char** environ;

namespace tokio::detail {
constinit thread_local bool tl_process_without_pidfd = false;
}  // namespace tokio::detail

namespace tokio::process {

namespace {

constexpr const char* kSpawn = "tokio::process::Command::spawn";

// An owned descriptor, closed on scope exit unless released.
class Fd {
 public:
  Fd() noexcept = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

std::string quoted(const std::string& program) {
  return "'" + program + "'";
}

[[noreturn]] void fail(int err, const std::string& program, const std::string& what) {
  throw std::system_error(err, std::system_category(),
                          std::string(kSpawn) + ": " + quoted(program) + ": " + what);
}

// A close-on-exec copy of `fd` numbered 3 or above, so that dup2 onto 0-2 in the child always
// makes a new descriptor (dup2 of a descriptor onto itself would leave close-on-exec set).
Fd above_stdio(int fd, const std::string& program) {
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (copy < 0) fail(errno, program, "duplicating a descriptor");
  return Fd(copy);
}

// What one standard stream of the child is connected to.
struct StreamSetup {
  Fd child_end;   // dup2'ed onto 0, 1 or 2 in the child; none: inherited
  Fd parent_end;  // the parent's end of a pipe (non-blocking), when piped
};

// The value of PATH in the child's environment as configured, else the parent's.
std::string search_path(
    bool env_clear,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) {
  std::optional<std::string> path;
  if (!env_clear)
    if (const char* p = ::getenv("PATH")) path = p;
  if (env_clear) path.reset();
  for (const auto& [key, value] : changes)
    if (key == "PATH") path = value;
  return path ? *path : std::string("/usr/local/bin:/usr/bin:/bin");
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// The path to exec: `program` itself when it names a path, else the first match in PATH.
std::string resolve(const std::string& program, const std::string& path) {
  if (program.empty()) fail(EINVAL, program, "the program name is empty");
  if (program.find('/') != std::string::npos) return program;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = path.find(':', start);
    std::string dir =
        path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    // Built with append: GCC 12 at -O3 warns falsely (-Wrestrict) about `dir = "."` followed
    // by operator+.
    std::string candidate = dir.empty() ? std::string(".") : std::move(dir);
    candidate.append(1, '/').append(program);
    if (is_executable_file(candidate)) return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  fail(ENOENT, program, "program not found in PATH (" + path + ")");
}

std::vector<std::string> build_environment(
    bool env_clear,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) {
  std::vector<std::string> env;
  if (!env_clear)
    for (char** e = environ; e && *e; ++e)
      env.emplace_back(*e);
  for (const auto& [key, value] : changes) {
    const std::string prefix = key + "=";
    std::erase_if(env,
                  [&](const std::string& kv) { return kv.compare(0, prefix.size(), prefix) == 0; });
    if (value) env.push_back(prefix + *value);
  }
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The fork path's report from the child: which step failed, and errno.
enum class Step : int { Dup2 = 1, Chdir, Setpgid, Setgroups, Setgid, Setuid, PreExec, Exec };

const char* describe(Step step) {
  switch (step) {
    case Step::Dup2:
      return "connecting the standard streams (dup2)";
    case Step::Chdir:
      return "changing to the working directory";
    case Step::Setpgid:
      return "joining the process group (setpgid)";
    case Step::Setgroups:
      return "dropping supplementary groups (setgroups)";
    case Step::Setgid:
      return "changing the group id (setgid)";
    case Step::Setuid:
      return "changing the user id (setuid)";
    case Step::PreExec:
      return "the pre_exec hook failed";
    case Step::Exec:
      return "cannot execute";
  }
  return "starting the child";
}

}  // namespace

namespace {
// The parent's pipe ends are non-blocking; a child's standard stream must not be.
int blocking(int fd) noexcept {
  if (fd >= 0) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  return fd;
}
}  // namespace

Stdio Stdio::from(ChildOutput&& pipe) noexcept {
  return from_fd(blocking(std::move(pipe).into_raw_fd()));
}
Stdio Stdio::from(ChildStdin&& pipe) noexcept {
  return from_fd(blocking(std::move(pipe).into_raw_fd()));
}

Stdio& Stdio::operator=(Stdio&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    kind_ = other.kind_;
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Stdio::~Stdio() {
  if (fd_ >= 0) ::close(fd_);
}

Command::Command(std::string program) : program_(std::move(program)) {
  args_.push_back(program_);
}
Command::~Command() = default;

Command& Command::arg(std::string arg) {
  args_.push_back(std::move(arg));
  return *this;
}
Command& Command::arg0(std::string arg0) {
  args_[0] = std::move(arg0);
  return *this;
}
Command& Command::env(std::string key, std::string value) {
  env_changes_.emplace_back(std::move(key), std::move(value));
  return *this;
}
Command& Command::env_remove(std::string key) {
  env_changes_.emplace_back(std::move(key), std::nullopt);
  return *this;
}
Command& Command::env_clear() {
  env_clear_ = true;
  env_changes_.clear();
  return *this;
}
Command& Command::current_dir(std::string dir) {
  current_dir_ = std::move(dir);
  return *this;
}
Command& Command::stdin(Stdio cfg) {
  stdin_ = std::move(cfg);
  return *this;
}
Command& Command::stdout(Stdio cfg) {
  stdout_ = std::move(cfg);
  return *this;
}
Command& Command::stderr(Stdio cfg) {
  stderr_ = std::move(cfg);
  return *this;
}
Command& Command::pre_exec(std::function<int()> hook) {
  pre_exec_.push_back(std::move(hook));
  return *this;
}

Child Command::spawn() {
  return spawn_with(Default::Inherit);
}

Child Command::spawn_with(Default defaults) {
  if (!detail::current_runtime(kSpawn).io_driver())
    throw std::logic_error(std::string(kSpawn) +
                           " needs a runtime with the I/O driver: build it with enable_io() or "
                           "enable_all()");
  // Everything that allocates happens here, before the child exists.
  const std::string path = resolve(program_, search_path(env_clear_, env_changes_));
  if (current_dir_ && ::access(current_dir_->c_str(), X_OK) != 0)
    fail(errno, program_, "working directory '" + *current_dir_ + "'");
  std::vector<std::string> arg_strings = args_;
  std::vector<char*> argv = pointers(arg_strings);
  std::vector<std::string> env_strings;
  std::vector<char*> envp;
  char** child_env = environ;
  if (env_clear_ || !env_changes_.empty()) {
    env_strings = build_environment(env_clear_, env_changes_);
    envp = pointers(env_strings);
    child_env = envp.data();
  }

  std::array<StreamSetup, 3> streams;
  const std::optional<Stdio>* configured[3] = {&stdin_, &stdout_, &stderr_};
  for (int target = 0; target < 3; ++target) {
    Stdio::Kind kind = Stdio::Kind::Inherit;
    int given_fd = -1;
    if (const auto& cfg = *configured[target]) {
      kind = cfg->kind_;
      given_fd = cfg->fd_;
    } else if (defaults == Default::Capture) {
      kind = target == 0 ? Stdio::Kind::Null : Stdio::Kind::Piped;
    }
    StreamSetup& s = streams[static_cast<std::size_t>(target)];
    switch (kind) {
      case Stdio::Kind::Inherit:
        break;
      case Stdio::Kind::Null: {
        const int fd = ::open("/dev/null", (target == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
        if (fd < 0) fail(errno, program_, "opening /dev/null");
        Fd opened(fd);
        s.child_end = above_stdio(opened.get(), program_);
        break;
      }
      case Stdio::Kind::Piped: {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) fail(errno, program_, "creating a pipe");
        Fd read_end(fds[0]), write_end(fds[1]);
        Fd& parent = target == 0 ? write_end : read_end;
        Fd& child = target == 0 ? read_end : write_end;
        if (::fcntl(parent.get(), F_SETFL, O_NONBLOCK) != 0) fail(errno, program_, "fcntl");
        s.child_end = above_stdio(child.get(), program_);
        s.parent_end = std::move(parent);
        break;
      }
      case Stdio::Kind::Fd:
        if (given_fd < 0) fail(EBADF, program_, "the Stdio given has no descriptor");
        s.child_end = above_stdio(given_fd, program_);
        break;
    }
  }

  pid_t pid = -1;
  if (!uid_ && !gid_ && pre_exec_.empty()) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    struct Cleanup {
      posix_spawn_file_actions_t* a;
      posix_spawnattr_t* t;
      ~Cleanup() {
        posix_spawn_file_actions_destroy(a);
        posix_spawnattr_destroy(t);
      }
    } cleanup{&actions, &attr};
    for (int target = 0; target < 3; ++target)
      if (const int fd = streams[static_cast<std::size_t>(target)].child_end.get(); fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, fd, target);
    if (current_dir_) posix_spawn_file_actions_addchdir_np(&actions, current_dir_->c_str());
    // The child starts with no signal blocked and SIGPIPE at its default action, whatever
    // this thread had (as Rust's Command does).
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    sigset_t none, pipe_only;
    sigemptyset(&none);
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe_only);
    if (pgroup_) {
      flags |= POSIX_SPAWN_SETPGROUP;
      posix_spawnattr_setpgroup(&attr, *pgroup_);
    }
    posix_spawnattr_setflags(&attr, flags);
    if (const int rc = ::posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), child_env);
        rc != 0)
      fail(rc, program_, path == program_ ? "cannot execute it" : "cannot execute " + quoted(path));
  } else {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) fail(errno, program_, "creating a pipe");
    Fd report_read(report[0]), report_write(report[1]);
    pid = ::fork();
    if (pid < 0) fail(errno, program_, "fork");
    if (pid == 0) {
      // The child: only async-signal-safe calls from here on (plus the user's hooks).
      auto die = [&](Step step, int err) {
        const int msg[2] = {static_cast<int>(step), err};
        [[maybe_unused]] auto n = ::write(report_write.get(), msg, sizeof msg);
        ::_exit(127);
      };
      for (int target = 0; target < 3; ++target)
        if (const int fd = streams[static_cast<std::size_t>(target)].child_end.get(); fd >= 0)
          if (::dup2(fd, target) < 0) die(Step::Dup2, errno);
      if (current_dir_ && ::chdir(current_dir_->c_str()) != 0) die(Step::Chdir, errno);
      if (pgroup_ && ::setpgid(0, *pgroup_) != 0) die(Step::Setpgid, errno);
      if (gid_ && ::setgid(*gid_) != 0) die(Step::Setgid, errno);
      if (uid_) {
        // Keep no supplementary group of the parent once running as another user.
        if (::getuid() == 0 && ::setgroups(0, nullptr) != 0) die(Step::Setgroups, errno);
        if (::setuid(*uid_) != 0) die(Step::Setuid, errno);
      }
      for (auto& hook : pre_exec_) {
        int err;
        try {
          err = hook();
        } catch (...) {
          err = ECANCELED;
        }
        if (err != 0) die(Step::PreExec, err);
      }
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::signal(SIGPIPE, SIG_DFL);
      ::execve(path.c_str(), argv.data(), child_env);
      die(Step::Exec, errno);
    }
    report_write.reset();
    int msg[2];
    ssize_t n;
    do {
      n = ::read(report_read.get(), msg, sizeof msg);
    } while (n < 0 && errno == EINTR);
    if (n == sizeof msg) {
      int status;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      const auto step = static_cast<Step>(msg[0]);
      std::string what = describe(step);
      if (step == Step::Exec) what += path == program_ ? " it" : " " + quoted(path);
      fail(msg[1], program_, what);
    }
  }

  // From here the child runs: nothing below may lose it (Child's destructor reaps it).
  Child child(pid, kill_on_drop_);
  child.watch_exit(
      detail::tl_process_without_pidfd ? -1 : static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  const std::string id = std::to_string(pid);
  if (int fd = streams[0].parent_end.release(); fd >= 0)
    child.stdin.emplace(
        ChildStdin(detail::PipeEnd(detail::PollEvented(fd), "the stdin of child " + id)));
  if (int fd = streams[1].parent_end.release(); fd >= 0)
    child.stdout.emplace(
        ChildOutput(detail::PipeEnd(detail::PollEvented(fd), "the stdout of child " + id)));
  if (int fd = streams[2].parent_end.release(); fd >= 0)
    child.stderr.emplace(
        ChildOutput(detail::PipeEnd(detail::PollEvented(fd), "the stderr of child " + id)));
  return child;
}

Task<ExitStatus> Command::status() {
  Child child = spawn_with(Default::Inherit);
  // Nobody can use the pipes configured here: close them, so the child is not kept waiting.
  child.stdin.reset();
  child.stdout.reset();
  child.stderr.reset();
  co_return co_await child.wait();
}

Task<Output> Command::output() {
  Child child = spawn_with(Default::Capture);
  co_return co_await child.wait_with_output();
}

}  // namespace tokio::process
