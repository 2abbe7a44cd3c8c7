#include "lib/io.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

namespace karta {
namespace {

// A fresh directory, removed (with what is in it) at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/karta-io-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

std::string Slurp(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

mode_t TypeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & S_IFMT;
}

Status WriteTo(const std::string& path, std::string_view text) {
  KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(path));
  KARTA_RETURN_IF_ERROR(out->Write(text));
  return out->Commit();
}

TEST_CASE("output: a new or regular file appears complete, mode 0600, no temp left") {
  TempDir dir;
  std::string path = dir.path + "/out.csv";
  {
    auto out = OutputFile::Open(path);
    REQUIRE(out.ok());
    REQUIRE((*out)->Write("a,b\n").ok());
    REQUIRE((*out)->Flush().ok());
    struct stat st;
    CHECK(::stat(path.c_str(), &st) != 0);  // not there before Commit
    REQUIRE((*out)->Commit().ok());
  }
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(WriteTo(path, "c\n").ok());  // an existing regular file is replaced
  int fd = ::open(path.c_str(), O_RDONLY);
  CHECK(Slurp(fd) == "c\n");
  ::close(fd);
  CHECK(std::system(("test $(ls -A '" + dir.path + "' | wc -l) -eq 1").c_str()) == 0);
}

TEST_CASE("output: without Commit a new file never appears") {
  TempDir dir;
  std::string path = dir.path + "/out.csv";
  {
    auto out = OutputFile::Open(path);
    REQUIRE(out.ok());
    REQUIRE((*out)->Write("partial").ok());
  }
  struct stat st;
  CHECK(::lstat(path.c_str(), &st) != 0);
  CHECK(std::system(("test -z \"$(ls -A '" + dir.path + "')\"").c_str()) == 0);
}

TEST_CASE("output: a named pipe is written in place, not replaced") {
  TempDir dir;
  std::string fifo = dir.path + "/pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY);
    got = Slurp(fd);
    ::close(fd);
  });
  Status s = WriteTo(fifo, "through the pipe\n");
  reader.join();
  CHECK(s.ok());
  CHECK(got == "through the pipe\n");
  CHECK(TypeOf(fifo) == S_IFIFO);
}

TEST_CASE("output: /dev/fd/N and /proc/self/fd/N write to that descriptor") {
  for (std::string prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    Status s = WriteTo(prefix + std::to_string(p[1]), "x,y\n");
    ::close(p[1]);
    CHECK(s.ok());
    CHECK(Slurp(p[0]) == "x,y\n");
    ::close(p[0]);
  }
  CHECK(!OutputFile::Open("/dev/fd/987654").ok());  // not open: an error, no file made
}

TEST_CASE("output: /dev/stdout stays a link and output goes to descriptor 1") {
  // Descriptor 1 is pointed at a pipe for the duration of the test.
  int p[2];
  REQUIRE(::pipe(p) == 0);
  int saved = ::dup(1);
  REQUIRE(::dup2(p[1], 1) == 1);
  ::close(p[1]);
  Status s = WriteTo("/dev/stdout", "to stdout\n");
  REQUIRE(::dup2(saved, 1) == 1);
  ::close(saved);
  CHECK(s.ok());
  CHECK(Slurp(p[0]) == "to stdout\n");
  ::close(p[0]);
  CHECK(TypeOf("/dev/stdout") == S_IFLNK);
}

TEST_CASE("output: a character device is written in place and survives") {
  // /dev/null itself only when not root: as root a broken rename would
  // replace the machine's /dev/null. Root tests a device node of its own.
  TempDir dir;
  std::string dev = "/dev/null";
  if (::geteuid() == 0) {
    dev = dir.path + "/null";
    if (::mknod(dev.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) != 0) {
      MESSAGE("mknod not permitted here; the device case is covered by the non-root run");
      return;
    }
  }
  CHECK(WriteTo(dev, "discarded\n").ok());
  CHECK(TypeOf(dev) == S_IFCHR);
  CHECK(std::system(("test -z \"$(ls -A '" + dir.path + "' | grep tmp)\"").c_str()) == 0);
}

TEST_CASE("output: links to files, dangling links and directories are refused") {
  TempDir dir;
  std::string target = dir.path + "/target.csv";
  REQUIRE(WriteTo(target, "keep\n").ok());
  std::string link = dir.path + "/link.csv";
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
  auto out = OutputFile::Open(link);
  REQUIRE(!out.ok());
  CHECK(out.status().message().find("symbolic link") != std::string::npos);
  CHECK(TypeOf(link) == S_IFLNK);
  int fd = ::open(target.c_str(), O_RDONLY);
  CHECK(Slurp(fd) == "keep\n");
  ::close(fd);

  std::string dangling = dir.path + "/dangling.csv";
  REQUIRE(::symlink((dir.path + "/nowhere").c_str(), dangling.c_str()) == 0);
  CHECK(!OutputFile::Open(dangling).ok());
  struct stat st;
  CHECK(::lstat((dir.path + "/nowhere").c_str(), &st) != 0);

  auto d = OutputFile::Open(dir.path);
  REQUIRE(!d.ok());
  CHECK(d.status().message().find("directory") != std::string::npos);
}

TEST_CASE("output: a link to a pipe is followed and written in place") {
  TempDir dir;
  std::string fifo = dir.path + "/pipe";
  std::string link = dir.path + "/link";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  REQUIRE(::symlink(fifo.c_str(), link.c_str()) == 0);
  std::string got;
  std::thread reader([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY);
    got = Slurp(fd);
    ::close(fd);
  });
  Status s = WriteTo(link, "via link\n");
  reader.join();
  CHECK(s.ok());
  CHECK(got == "via link\n");
  CHECK(TypeOf(link) == S_IFLNK);
  CHECK(TypeOf(fifo) == S_IFIFO);
}

TEST_CASE("output: before Commit the folder holds no file at all (kill -9 leaves nothing)") {
  TempDir dir;
  std::string path = dir.path + "/out.csv";
  auto out = OutputFile::Open(path);
  REQUIRE(out.ok());
  REQUIRE((*out)->Write(std::string(200000, 'x')).ok());
  REQUIRE((*out)->Flush().ok());
  CHECK(std::system(("test -z \"$(ls -A '" + dir.path + "')\"").c_str()) == 0);
  REQUIRE((*out)->Commit().ok());
  CHECK(std::system(("test \"$(ls -A '" + dir.path + "')\" = out.csv").c_str()) == 0);
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(st.st_size == 200000);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("temp: an unnamed spill has no name in its folder, mode 0600, and reads back") {
  TempDir dir;
  auto fd = CreateTempFile(dir.path, "karta-test", "file", nullptr);
  REQUIRE(fd.ok());
  CHECK(std::system(("test -z \"$(ls -A '" + dir.path + "')\"").c_str()) == 0);
  struct stat st;
  REQUIRE(::fstat(*fd, &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_nlink == 0);  // gone with its descriptor, even after kill -9
  // Written through /proc/self/fd/N as karta run does, read back by name.
  std::string name = "/proc/self/fd/" + std::to_string(*fd);
  REQUIRE(WriteTo(name, "url\nhttps://a.example/\n").ok());
  int again = ::open(name.c_str(), O_RDONLY);
  REQUIRE(again >= 0);
  CHECK(Slurp(again) == "url\nhttps://a.example/\n");
  ::close(again);
  ::close(*fd);
  CHECK(std::system(("test -z \"$(ls -A '" + dir.path + "')\"").c_str()) == 0);
}

TEST_CASE("temp: a folder that is not there is an error naming it") {
  auto fd = CreateTempFile("/nonexistent/karta-tmp", "karta-test", "spill", nullptr);
  REQUIRE(!fd.ok());
  CHECK(fd.status().message() ==
        "cannot create a temporary spill in /nonexistent/karta-tmp: No such file or directory");
}

TEST_CASE("output: OpenInPlace cuts a regular file back, makes it 0600, refuses the rest") {
  TempDir dir;
  std::string path = dir.path + "/out.csv";
  {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "a\nbb\nlost\n", 10) == 10);
    ::close(fd);
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
  }
  {
    auto out = OutputFile::OpenInPlace(path, 5);
    REQUIRE(out.ok());
    CHECK((*out)->is_stdout());  // written in place: nothing appears on Commit
    REQUIRE((*out)->Write("c\n").ok());
    REQUIRE((*out)->Commit().ok());
  }
  int fd = ::open(path.c_str(), O_RDONLY);
  CHECK(Slurp(fd) == "a\nbb\nc\n");
  ::close(fd);
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // Without Commit the rows written are still kept (a kill keeps them).
  {
    auto out = OutputFile::OpenInPlace(path, 0);
    REQUIRE(out.ok());
    REQUIRE((*out)->Write("only\n").ok());
  }
  fd = ::open(path.c_str(), O_RDONLY);
  CHECK(Slurp(fd) == "only\n");
  ::close(fd);

  std::string link = dir.path + "/link";
  REQUIRE(::symlink(path.c_str(), link.c_str()) == 0);
  auto l = OutputFile::OpenInPlace(link, 0);
  REQUIRE(!l.ok());
  CHECK(l.status().message().find("symbolic link") != std::string::npos);
  auto d = OutputFile::OpenInPlace(dir.path, 0);
  CHECK(!d.ok());
}

TEST_CASE("io: ReadFileToString reads a whole file, stops past a limit, names the file") {
  TempDir dir;
  std::string path = dir.path + "/f.txt";
  std::string big(200000, 'x');
  REQUIRE(WriteTo(path, big).ok());
  auto all = ReadFileToString(path);
  REQUIRE(all.ok());
  CHECK(*all == big);
  auto cut = ReadFileToString(path, 1000);
  REQUIRE(cut.ok());
  CHECK(cut->size() > 1000);  // more than the limit: the caller knows it is larger
  CHECK(cut->size() < big.size());
  auto exact = ReadFileToString(path, big.size());
  REQUIRE(exact.ok());
  CHECK(*exact == big);
  auto missing = ReadFileToString(dir.path + "/none");
  REQUIRE(!missing.ok());
  CHECK(missing.status().message().find("/none") != std::string::npos);
  CHECK(!ReadFileToString(dir.path).ok());  // a directory
}

}  // namespace
}  // namespace karta
