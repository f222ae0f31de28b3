from outreach_tui.cli.main import run

if __name__ == "__main__":
    run()
